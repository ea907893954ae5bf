// The JSON-lines profile dump (JANUS_PROFILE_DUMP): one line per function, then one per
// site that ran, each with source file and line so a reader can find the code.
#include <Python.h>

#include <cstdio>
#include <string>

#include "profiles/profile.h"

namespace janus::profiles {

namespace {

void append_json_string(std::string* out, const char* text) {
  out->push_back('"');
  for (const char* p = text; p && *p; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

const char* utf8(PyObject* text) {
  const char* s = text != nullptr ? PyUnicode_AsUTF8(text) : nullptr;
  if (s == nullptr) PyErr_Clear();
  return s != nullptr ? s : "?";
}

void append_feedback(std::string* out, const Site& site, int operand) {
  const TypeFeedback& feedback = site.operands[operand];
  *out += "{\"types\":{";
  bool first = true;
  for (int i = 0; i < TypeFeedback::kTypeSlots && feedback.types[i] != nullptr; i++) {
    if (!first) out->push_back(',');
    first = false;
    append_json_string(out, feedback.type_names[i]);
    *out += ":" + std::to_string(site.type_count(operand, i));
  }
  *out += "},\"other\":" + std::to_string(feedback.other);
  if (feedback.described) {
    const ValueDescription& d = *feedback.description;
    *out += ",\"value\":{\"dtype\":";
    append_json_string(out, d.dtype.c_str());
    *out += ",\"shape\":[";
    for (size_t i = 0; i < d.shape.size(); i++) {
      if (i) out->push_back(',');
      *out += std::to_string(d.shape[i]);
    }
    *out += "],\"device\":";
    append_json_string(out, d.device.c_str());
    *out += std::string(",\"requires_grad\":") + (d.requires_grad ? "true" : "false");
    *out += std::string(",\"stable\":") + (feedback.description_stable ? "true" : "false") + "}";
  }
  out->push_back('}');
}

}  // namespace

void dump_profile(const CodeProfile& profile, std::string* out) {
  PyCodeObject* code = profile.code;
  const char* file = utf8(code->co_filename);
  const char* function = utf8(code->co_qualname);
  auto head = [&](int line) {
    *out += "{\"file\":";
    append_json_string(out, file);
    *out += ",\"line\":" + std::to_string(line) + ",\"function\":";
    append_json_string(out, function);
  };
  head(code->co_firstlineno);
  *out += ",\"kind\":\"function\",\"calls\":" + std::to_string(profile.calls) +
          ",\"hot\":" + (profile.calls >= settings().hot_call ? "true" : "false") + "}\n";
  for (const Site& site : profile.sites) {
    if (site.count == 0) continue;
    head(PyCode_Addr2Line(reinterpret_cast<PyCodeObject*>(code), site.offset * 2));
    *out += ",\"offset\":" + std::to_string(site.offset * 2) + ",\"kind\":";
    append_json_string(out, site_kind_name(site.kind));
    *out += ",\"count\":" + std::to_string(site.count);
    switch (site.kind) {
      case SiteKind::BinaryOp:
      case SiteKind::Compare:
        *out += ",\"oparg\":" + std::to_string(site.oparg) + ",\"left\":";
        append_feedback(out, site, 0);
        *out += ",\"right\":";
        append_feedback(out, site, 1);
        break;
      case SiteKind::Attribute:
        *out += ",\"receiver\":";
        append_feedback(out, site, 0);
        break;
      case SiteKind::Call: {
        *out += ",\"callable\":";
        append_feedback(out, site, 0);
        *out += ",\"targets\":[";
        bool first = true;
        for (int i = 0; i < 4 && site.targets[i] != nullptr; i++) {
          if (!first) out->push_back(',');
          first = false;
          append_json_string(out, site.target_names[i]);
        }
        *out += "],\"other_targets\":" + std::to_string(site.other_targets);
        break;
      }
      case SiteKind::Branch:
        *out += ",\"taken\":" + std::to_string(site.taken) +
                ",\"not_taken\":" + std::to_string(site.not_taken());
        break;
      case SiteKind::Loop:
        *out += ",\"head_line\":" +
                std::to_string(PyCode_Addr2Line(code, loop_head(site) * 2)) +
                ",\"head_offset\":" + std::to_string(loop_head(site) * 2);
        *out += std::string(",\"hot\":") + (site.count >= settings().hot_loop ? "true" : "false");
        break;
    }
    *out += "}\n";
  }
}

}  // namespace janus::profiles

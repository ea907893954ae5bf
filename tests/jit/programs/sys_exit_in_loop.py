# sys.exit with a status from inside a loop, after a finally that prints.
import sys
def run():
    for i in range(100):
        try:
            if i * i > 50:
                print("exiting at", i)
                sys.exit(3)
        finally:
            if i > 6:
                print("finally", i)
run()
print("not reached")

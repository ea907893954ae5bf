"""janus.utils.data: datasets, samplers and a single-process DataLoader."""
from .dataset import (ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                      random_split)
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler
from .collate import default_collate, default_convert
from .dataloader import DataLoader

__all__ = ["BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset", "RandomSampler",
           "Sampler", "SequentialSampler", "Subset", "TensorDataset", "default_collate",
           "default_convert", "random_split"]

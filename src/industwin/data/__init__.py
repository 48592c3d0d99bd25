"""Data layer: the MRIO table, loaders, parsers, validation, concordances and the cache."""

from industwin.data.cache import open_saved, save
from industwin.data.mrio import MRIO, Satellite
from industwin.data.registry import DATASETS, data_root, list_datasets, load
from industwin.data.validate import ImbalanceWarning, balance_report, rebalance

__all__ = ["MRIO", "Satellite", "DATASETS", "data_root", "list_datasets", "load", "save", "open_saved",
           "balance_report", "rebalance", "ImbalanceWarning"]

"""How did one news story change as it travelled from outlet to outlet? Corpus parsing, framing analysis and cross-source comparison in reproducible nbdev notebooks.

Modules:

- `newsstudy.common`: What several stages share: atomic writes, tables as partitioned Parquet datasets, the sentence-embedding model, packaged data files, and the Dask client that runs every stage on a local or remote cluster."""

__version__ = "0.1.0"

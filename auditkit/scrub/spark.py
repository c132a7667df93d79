"""Scrubbing on Spark: ``scrub_dataframe(df, ["text"])`` runs the local scrubber inside ``mapInPandas``.

Needs ``pyspark`` (the ``[spark]`` extra) and a Java runtime. See :mod:`auditkit.scrub._spark`.
"""

from auditkit.scrub._spark import CELLS, SparkScrub, scrub_dataframe, scrub_to

__all__ = ["CELLS", "SparkScrub", "scrub_dataframe", "scrub_to"]

"""Archive-scale batch analysis: records found and grouped, analysed by the app layer's use
cases in a local pool or on Dask, results written by the coordinating process."""

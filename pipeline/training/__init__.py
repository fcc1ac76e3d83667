"""Training the pipeline's statistical part from openly licensed data (``make train``)."""

"""Pages of exchange: «Last ned alt om meg» (``archive``)."""

"""The trained pipelines that ship with infra-extract (made by ``make train``)."""

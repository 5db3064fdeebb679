"""disputegraph: a graph-based stakeholder and dispute relationship explorer."""

from disputegraph.exceptions import DisputeGraphError

__all__ = ["DisputeGraphError", "__version__"]
__version__ = "0.1.0"

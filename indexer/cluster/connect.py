"""Attaching a process to a Ray cluster, importing Ray only then."""

from types import ModuleType
from typing import Any

from indexer.store.generations import IndexUnreadable

# Every actor and task of Sotehaku lives in this Ray namespace, so that named actors are found
# by any process attached to the cluster.
NAMESPACE = "sotehaku"


class ClusterUnavailable(IndexUnreadable):
    """Ray is not installed, or the cluster cannot be reached; the message says which. A kind
    of IndexUnreadable: the web layer says the index cannot be read now, as for one machine."""


def ray_module() -> ModuleType:
    """Return the ray module, or raise ClusterUnavailable saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ClusterUnavailable(
            "Ray is not installed: install Sotehaku with pip install 'sotehaku[cluster]'."
        ) from None
    return ray


def attach(address: str) -> Any:
    """Connect this process to the cluster at `address` once (a gunicorn worker on its first
    request, after the fork: a connection does not survive one), and return the ray module."""
    ray = ray_module()
    if not ray.is_initialized():
        try:
            ray.init(
                address=address,
                namespace=NAMESPACE,
                logging_level="ERROR",
                log_to_driver=False,
                configure_logging=False,
            )
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise ClusterUnavailable(f"The Ray cluster at {address} cannot be reached: {e}") from e
    return ray

"""The browser side of the contract: ``public/client.js`` (``el()`` and the JSON POST)."""
import functools
from importlib import resources


@functools.cache
def client_script():
    """The text of ``public/client.js`` (read once per process: it never changes)."""
    return resources.files(__package__).joinpath("public/client.js").read_text(encoding="utf-8")


def add_client_script(fragment):
    """Add the shared browser helpers to ``fragment``; call it before adding the block's own script."""
    fragment.add_javascript(client_script())
    return fragment

"""``python -m disputegraph``: the same as the ``disputegraph`` command."""

from disputegraph.cli import main

if __name__ == "__main__":
    main()

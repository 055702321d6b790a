"""``python -m graph`` is the ``chipgraph`` command."""

from graph.cli import main

main()

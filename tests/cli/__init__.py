"""Tests of the command line, one module per subcommand (pycolonies_fast/cli/)."""

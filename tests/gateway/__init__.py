"""Tests of mxshell.gateway, the async client library."""

"""Renderers of `show` outputs: pure functions from configuration and data-plane state to IOS text.

Shapes are copied from real IOSv / IOSvL2 output (see the ntc-templates fixtures); every renderer
here is parsed by the matching ntc-templates template in the tests.
"""

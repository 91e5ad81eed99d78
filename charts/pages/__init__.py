"""The chart pages, one module each: its address, its words and its charts in order.

charts/__init__.py lists them in menu and board order (`PAGES`). Imports charts only.
"""

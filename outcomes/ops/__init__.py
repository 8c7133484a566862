"""Running it: the command line, several processes behind nginx, warm-up, and the benchmarks and load
clients.
"""

"""placeholder"""
def run_describe(ctx):
    raise NotImplementedError

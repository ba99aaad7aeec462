"""Teacher moves (交流轮岗)."""


def plan_moves(schools, norms, method, stages):  # placeholder
    return {}, []

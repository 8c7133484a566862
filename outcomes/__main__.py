from outcomes.ops.cli import app

app(prog_name="python -m outcomes")

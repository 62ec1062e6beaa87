from bot.cli import app

if __name__ == "__main__":  # worker processes (spawned) import this module again: they must not run the CLI
    app(prog_name="sangkien")

from bot.cli import app

if __name__ == "__main__":  # a process multiprocessing starts may import this module again: it must not run the CLI
    app(prog_name="sangkien")

"""The GradientTape tutorial, every step printed: `python examples/gradient_tape_basics.py`.

Its code ships inside the package as `tapegrad/tutorial.py`, so that `python -m tapegrad` runs
it after a plain install; read that file for the tutorial itself.
"""

from tapegrad.tutorial import main

if __name__ == "__main__":
    main()

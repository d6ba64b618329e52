"""`python -m tapegrad` runs the GradientTape tutorial as the package's demonstration."""

from .tutorial import main

if __name__ == "__main__":
    main()

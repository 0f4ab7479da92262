"""Where the tests find the repository's data: one place, whatever folder a test lives in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "vectors"
CONTEXTS = ROOT / "contexts"

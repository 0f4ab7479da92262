"""Achievement images: checking an upload (``checks``) and giving an achievement its image,
uploaded or generated (``images``)."""

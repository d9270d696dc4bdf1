"""The scene: user input validated once and joined into what every frame shares."""

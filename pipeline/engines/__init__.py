"""The engines that read a PDF's pages into words and rules."""

"""Built-in ops by family; each op's forward, backward and kernel call side by side."""

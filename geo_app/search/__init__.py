"""«Buscar»: the search box on every page and its results, grouped by kind."""

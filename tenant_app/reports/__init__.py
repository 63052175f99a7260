"""Reports: charts drawn as SVG on the server (pages and PDFs alike)."""

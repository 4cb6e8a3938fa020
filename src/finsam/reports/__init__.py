"""Reports: PDF from Django templates (WeasyPrint), Excel workbooks (openpyxl) and SVG charts.

The helpers here know nothing of the domain: an app renders its own templates and hands the HTML, the
rows or the series to them. A chart is drawn once as SVG and the same markup goes into the page and the
PDF.
"""

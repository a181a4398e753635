"""The seeds folder: files listed and read without leaving it (folder), each format's reader
(text_files, html_text, pdf_text, office_text, ocr, binary, readers), a paged document's
text (page_text), titles and dates (metadata), the killable processes that extract text
(loading), and why a file is skipped (skip_reasons).

Imports common and analysis (Voikko's spelling check joins words broken across lines), not
Whoosh.
"""

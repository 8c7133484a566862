"""The HTML edition's renderers: page results as GOV.UK Frontend HTML (Jinja templates with the
govuk-frontend-jinja macros), charts and maps as SVG made on the server, text from the results'
own Markdown. Nothing here reads the store: it lays out what outcomes.results made."""

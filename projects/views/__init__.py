"""The app's pages, one module a feature. Each view parses the request, checks who may do it
(access.py), calls the models or `projects.estimates`, and renders what the presenters made."""

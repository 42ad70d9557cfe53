"""One runner screened against a study's model, in four parts:

- `model`: the study's results/models/screening_model.json (coefficients, scalings, cohort percentiles,
  calibration, the settings the cohort was measured with) and its risk arithmetic;
- `runner` and `measure`: a runner's runner.yaml, and the runner's files measured through the study's own
  readers, stance extraction, gait model and weekly volume with those settings;
- `page`: the page, rendered by Jinja2 from `templates/page.html.j2` with one text catalogue per language
  (`texts/en.yaml`, `texts/nl.yaml`);
- `cli`: `runrisk screen --model ... --runner DIR --out page.html`.
"""

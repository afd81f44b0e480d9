"""A stock Wagtail site with the sample article, the reference of the uncached page benchmark.

    python bench/wagtail_site.py --venv bench/.wagtail-venv --dir OUT/wagtail --content OUT/article.json

Makes (or reuses) a virtual environment with `wagtail` and `gunicorn` from PyPI (a
benchmark-only dependency, never in pyproject.toml), starts a project with `wagtail start`,
adds an article page model (title, standfirst, byline, date, a rich-text body) and its
template to the project's `home` app, migrates (SQLite), and creates the article from
--content (the JSON that bench/run exports from Newsdesk: headline, standfirst, byline,
body HTML, and the latest briefs, made pages too and listed under the article as Newsdesk's
"Read next" river lists them). Prints one JSON line: the article's path and the
gunicorn command's parts. Only the standard library; the Wagtail steps run with the
venv's Python.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

MODEL = '''

from django.db import models as _models
from wagtail.fields import RichTextField as _RichTextField


class ArticlePage(Page):
    standfirst = _models.TextField(blank=True)
    byline = _models.CharField(max_length=300, blank=True)
    published = _models.DateTimeField(null=True, blank=True)
    body = _RichTextField(blank=True)

    content_panels = Page.content_panels + ["standfirst", "byline", "published", "body"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["recent"] = (ArticlePage.objects.live().exclude(pk=self.pk)
                             .order_by("-published")[:5])
        return context
'''

TEMPLATE = '''{% extends "base.html" %}
{% load wagtailcore_tags %}
{% block body_class %}template-articlepage{% endblock %}
{% block content %}
<main>
  <article>
    <h1>{{ page.title }}</h1>
    {% if page.standfirst %}<p class="standfirst">{{ page.standfirst }}</p>{% endif %}
    <p class="byline">{{ page.byline }} <time datetime="{{ page.published|date:"c" }}">{{ page.published|date:"j F Y, H:i" }}</time></p>
    {{ page.body|richtext }}
  </article>
  <aside>
    <h2>Read next</h2>
    <ol>
    {% for item in recent %}
      <li><a href="{% pageurl item %}">{{ item.title }}</a> <time>{{ item.published|date:"H:i" }}</time></li>
    {% endfor %}
    </ol>
  </aside>
</main>
{% endblock %}
'''

CREATE = '''
import json
from datetime import datetime
from home.models import ArticlePage, HomePage
from wagtail.models import Page, Site
content = json.load(open({path!r}))
home = Page.objects.get(depth=2)
def add(item, slug):
    page = ArticlePage(title=item["headline"], slug=slug, standfirst=item.get("standfirst", ""),
                       byline=item.get("byline", ""), body=item["body"],
                       published=datetime.fromisoformat(item["published"]))
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
for i, brief in enumerate(content["briefs"]):
    add(brief, f"brief-{{i + 1}}")
article = add(content["article"], "article")
print("BENCH " + json.dumps({{"path": article.url}}))
'''


def run(*cmd, cwd=None, env=None):
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"wagtail site: {' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", required=True, help="virtual environment with wagtail and gunicorn (made when missing)")
    parser.add_argument("--dir", required=True, help="folder for the project (made fresh)")
    parser.add_argument("--content", required=True, help="JSON of the article and briefs")
    args = parser.parse_args()
    venv, site = Path(args.venv).resolve(), Path(args.dir).resolve()
    python = venv / "bin" / "python"
    if not (venv / "bin" / "wagtail").exists() or not (venv / "bin" / "gunicorn").exists():
        print(f"  installing wagtail and gunicorn into {venv.name}", file=sys.stderr, flush=True)  # stdout is the JSON
        if not python.exists():
            run(sys.executable, "-m", "venv", str(venv))
        run(str(python), "-m", "pip", "install", "-q", "wagtail", "gunicorn")
    site.mkdir(parents=True, exist_ok=True)
    project = site / "benchsite"
    if project.exists():
        raise SystemExit(f"wagtail site: {project} exists already")
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
           "DJANGO_SETTINGS_MODULE": "benchsite.settings.production"}
    for name in ("DATABASE_URL", "PYTHONPATH", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VAR_DIR"):
        env.pop(name, None)
    project.mkdir()
    run(str(venv / "bin" / "wagtail"), "start", "benchsite", str(project))
    with open(project / "home" / "models.py", "a") as models:
        models.write(MODEL)
    (project / "home" / "templates" / "home" / "article_page.html").write_text(TEMPLATE)
    with open(project / "benchsite" / "settings" / "production.py", "a") as production:
        production.write('\nDEBUG = False\nALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n'
                         'SECRET_KEY = "wagtail-bench-only-not-a-secret"\n')
    manage = [str(python), "manage.py"]
    run(*manage, "makemigrations", "home", "-v", "0", cwd=project, env=env)
    run(*manage, "migrate", "--noinput", "-v", "0", cwd=project, env=env)
    run(*manage, "collectstatic", "--noinput", "-v", "0", cwd=project, env=env)
    out = run(*manage, "shell", "-c", CREATE.format(path=str(Path(args.content).resolve())), cwd=project, env=env)
    path = next(json.loads(line[6:])["path"] for line in out.splitlines() if line.startswith("BENCH "))
    version = run(str(python), "-c", "import wagtail, django; print(wagtail.__version__, django.get_version())").split()
    print(json.dumps({"path": path, "project": str(project), "wagtail": version[0], "django": version[1],
                      "gunicorn": str(venv / "bin" / "gunicorn"), "wsgi": "benchsite.wsgi:application",
                      "settings": "benchsite.settings.production"}))


if __name__ == "__main__":
    main()

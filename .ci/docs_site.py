"""Build the docs site from nbdev's processed notebooks (`_proc/`, made by `.ci/docs`) with mkdocs + mkdocs-jupyter into
`_docs/`, then check every internal link and image of the built pages (a broken one fails).

Pages: the README as the home page, the library notebooks in notebook order (with the outputs they were committed with
and `show_doc` rendered by nbdev), the worked examples, BENCHMARKS. Links to files the site does not hold (scripts,
settings) point to the repository on GitHub. Usage: python .ci/docs_site.py (from the repository root, after `_proc/`)."""
import sys, re, json, shutil, subprocess, configparser
from pathlib import Path
from html.parser import HTMLParser
from urllib.parse import urlparse, unquote

ROOT = Path(__file__).resolve().parent.parent
SRC, OUT = ROOT/'_site_src', ROOT/'_docs'

def title(nb:Path)->str:
    "A notebook's page title: its first markdown heading, else its file name."
    for c in json.load(open(nb))['cells']:
        if c['cell_type'] == 'markdown' and (m := re.match(r'#\s+(.+)', ''.join(c['source']).strip())): return m[1].strip()
    return nb.stem

def github(cfg)->str: return f"https://github.com/{cfg['user']}/{cfg['repo']}/blob/{cfg.get('branch', 'main')}/"

LINK = re.compile(r'(\]\()([^)\s]+)(\))')

def fix_links(text:str, here:Path, blob:str, nb:bool)->str:
    "Relative links of a page at `here` (repo path): to a page of the site as the built page; to another file, GitHub."
    def sub(m):
        url = m[2]
        if re.match(r'[a-z]+:|#|/', url): return m[0]
        path, _, frag = url.partition('#')
        target = (ROOT/here.parent/path).resolve()
        try: rel = target.relative_to(ROOT)
        except ValueError: return m[0]
        if (rel.parts[:1] in (('nbs',), ('finetune_nbs',)) and rel.suffix == '.ipynb') or str(rel) in ('README.md', 'BENCHMARKS.md'):
            if nb: path = path[:-len(rel.suffix)] + '.html' if rel.name != 'README.md' else path.replace('README.md', 'index.html')
            return f'{m[1]}{path}{"#" + frag if frag else ""}{m[3]}'
        return f'{m[1]}{blob}{rel.as_posix()}{"#" + frag if frag else ""}{m[3]}'
    return LINK.sub(sub, text)

def page_nb(src:Path, dest:Path, here:Path, blob:str):
    "A notebook for the site: its markdown links fixed."
    nb = json.load(open(src))
    for c in nb['cells']:
        if c['cell_type'] == 'markdown': c['source'] = fix_links(''.join(c['source']), here, blob, nb=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb))

class Links(HTMLParser):
    def __init__(self): super().__init__(); self.urls = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ('href', 'src'):
            if a.get(k) and tag in ('a', 'img', 'link', 'script'): self.urls.append(a[k])

def broken_links(site:Path)->list:
    "Internal links and images of every page of `site` whose target file does not exist."
    bad = []
    for page in site.rglob('*.html'):
        p = Links(); p.feed(page.read_text(errors='replace'))
        for u in p.urls:
            pu = urlparse(u)
            if pu.scheme or pu.netloc or u.startswith(('#', 'data:', 'mailto:')) or not pu.path: continue
            t = (site/pu.path.lstrip('/')) if pu.path.startswith('/') else (page.parent/unquote(pu.path))
            if t.is_dir(): t = t/'index.html'
            if not t.exists(): bad.append(f'{page.relative_to(site)} -> {u}')
    return bad

def main():
    ini = configparser.ConfigParser(); ini.read(ROOT/'settings.ini'); cfg = dict(ini['DEFAULT'])
    blob = github(cfg)
    if not (ROOT/'_proc').is_dir(): sys.exit('_proc/ is missing: run .ci/docs (it runs nbdev\'s processing first)')
    shutil.rmtree(SRC, ignore_errors=True); shutil.rmtree(OUT, ignore_errors=True)
    docs = SRC/'docs'; docs.mkdir(parents=True)
    (docs/'index.md').write_text(fix_links((ROOT/'README.md').read_text(), Path('README.md'), blob, nb=False))
    (docs/'BENCHMARKS.md').write_text(fix_links((ROOT/'BENCHMARKS.md').read_text(), Path('BENCHMARKS.md'), blob, nb=False))
    lib = sorted(p for p in (ROOT/'_proc').glob('*.ipynb') if p.name != 'index.ipynb')
    for p in lib: page_nb(p, docs/'nbs'/p.name, Path('nbs')/p.name, blob)
    ex = sorted((ROOT/'finetune_nbs').glob('[0-9]*.ipynb'))
    for p in ex: page_nb(p, docs/'finetune_nbs'/p.name, Path('finetune_nbs')/p.name, blob)
    nav = [{'Home': 'index.md'}, {'Library': [{title(p): f'nbs/{p.name}'} for p in lib]},
           {'Worked examples': [{title(p): f'finetune_nbs/{p.name}'} for p in ex]}, {'Benchmarks': 'BENCHMARKS.md'}]
    yml = dict(site_name=cfg.get('lib_name', 'fastscale'), site_description=cfg.get('description', ''), repo_url=blob.split('/blob/')[0],
               docs_dir='docs', site_dir=str(OUT), use_directory_urls=False, nav=nav,
               theme=dict(name='material', font=False, features=['navigation.sections', 'search.highlight']),
               plugins=['search', {'mkdocs-jupyter': dict(include_source=True, execute=False, ignore_h1_titles=False, no_input=False)}],
               markdown_extensions=['tables', 'toc', 'admonition', 'fenced_code'],
               validation=dict(links=dict(not_found='warn', absolute_links='ignore', unrecognized_links='ignore')))
    (SRC/'mkdocs.yml').write_text(json.dumps(yml, indent=1))   # JSON is YAML
    r = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '-q', '-f', str(SRC/'mkdocs.yml')], capture_output=True, text=True)
    if r.returncode: sys.exit(f'mkdocs build failed:\n{r.stderr[-3000:]}')
    warn = [l for l in r.stderr.splitlines() if 'WARNING' in l]
    bad = broken_links(OUT)
    pages = len(list(OUT.rglob('*.html')))
    print(f'{pages} pages in {OUT.relative_to(ROOT)}/ ({len(lib)} library notebooks, {len(ex)} worked examples), {len(bad)} broken internal links')
    for l in warn[:20]: print(l)
    for b in bad[:30]: print('broken:', b)
    sys.exit(1 if bad or not (OUT/'index.html').exists() else 0)

if __name__ == '__main__': main()

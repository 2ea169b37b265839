"""The report's inline stylesheet: readable on screen, printable, no external files."""

PAGE_STYLE = """
:root{--blauw:#1f4e79;--tekst:#1b1b1b;--rand:#c8d3df}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:2rem auto;
color:var(--tekst);max-width:1200px;padding:0 1rem;line-height:1.45}
h1{color:var(--blauw);font-size:1.6rem}h2{color:var(--blauw);font-size:1.25rem;margin-top:2.5rem;
border-bottom:2px solid var(--blauw)}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1.5rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid var(--rand);padding:.25rem .45rem;text-align:left;vertical-align:top}
thead th{background:var(--blauw);color:#fff;position:sticky;top:0}
tbody th{background:#e8eef4;font-weight:600}tr:nth-child(even) td{background:#f3f6f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.x,td.na{text-align:center;color:#3d3d3d}
td.x{font-weight:700}td.onv{font-style:italic}td.onder,tr:nth-child(even) td.onder{background:#fde2e1}
td small{display:block;color:#444}small.vlag{font-weight:700;color:#8a1c14}
.scroll{max-height:32rem;overflow:auto;border:1px solid var(--rand);margin-bottom:1.5rem}
.scroll table{margin:0}.scroll:focus{outline:3px solid #f0a500}
.meta{color:#333}.tekens{background:#f3f6f9;border-left:4px solid var(--blauw);padding:.5rem 1rem}
.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid var(--rand);border-top:6px solid
var(--blauw);padding:.5rem 1rem;flex:1 1 16rem}.card.onvolledig{border-top-color:#8a1c14;
background:#fff6f5}.card dl{display:grid;grid-template-columns:auto auto;gap:.2rem 1rem}
.card dd{margin:0;text-align:right;font-weight:700;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.15rem .5rem;border-radius:3px;font-size:.85rem}
.badge.ok{background:#e3f1de;color:#245b17}.badge.onv{background:#fde2e1;color:#7a140d}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(36rem,1fr));gap:1.5rem}
.chart-box{margin:0}
svg.chart{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#333}
ul.kern{font-size:1.05rem;padding-left:1.2rem}ul.kern li{margin:.35rem 0}
details{margin:.5rem 0 1rem}summary{cursor:pointer;font-weight:600;color:var(--blauw)}
p.voetnoot{font-size:.8rem;color:#333}tr.totaal th,tr.totaal td{font-weight:700}
nav ol{columns:2}a{color:#0b4f8a}
@media print{body{margin:0;max-width:none}.scroll{max-height:none;overflow:visible;border:0}
thead{display:table-header-group}thead th{position:static}tr,figure,.card{break-inside:avoid}
h2,h3{break-after:avoid}nav{display:none}a{color:inherit;text-decoration:none}}
"""

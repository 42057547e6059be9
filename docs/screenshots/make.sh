#!/bin/sh
# Regenerate the screenshots of the explain pages (needs Debian's chromium).
# Run from the repository root: sh docs/screenshots/make.sh
set -e
out=docs/screenshots
tmp=$(mktemp -d)
printf 'p cnf 3 3\n1 -2 0\n2 3 0\n-1 -3 0\n' > "$tmp/tiny.cnf"
for chain in kronecker sharp-p-backprop sharp-p-erm np-relu np-relu2; do
  python -c 'import sys; from ermbit.cli import main; sys.exit(main())' \
    explain "$chain" "$tmp/tiny.cnf" --format html -o "$tmp/$chain.html" > /dev/null
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/profile" --window-size=1100,1500 \
    --screenshot="$out/$chain.png" "file://$tmp/$chain.html" 2> /dev/null
done
rm -rf "$tmp"

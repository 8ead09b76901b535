# SPDX-License-Identifier: GPL-2.0-or-later
#
# The bench chart: one panel per figure, a bar per configuration (median)
# with min-max whiskers.  Called by scripts/bench.sh:
#   gnuplot -e "datafile='...'; outfile='...'; subtitle='...'" chart.gp
# datafile: blocks separated by two blank lines (gnuplot's "index"), each
# starting with "# title", rows "x median min max label".

if (!exists("datafile")) datafile = 'build/bench/bench-chart.dat'
if (!exists("outfile")) outfile = 'build/bench/bench.png'
if (!exists("subtitle")) subtitle = ''

set terminal pngcairo size 1500,1000 font "sans,10"
set output outfile

# sgnic bars blue, the baselines grey, veth (no device) light.
colour(label) = strstrt(label, "sgnic") ? 0x2a6fb0 : (label eq "veth" ? 0xc8c8c8 : 0x8c8c8c)

set style fill solid 0.85 border rgb "#404040"
set boxwidth 0.7
set grid ytics lc rgb "#dddddd"
set xtics rotate by -35 nomirror scale 0 font ",9"
set ytics nomirror
set border 3
set yrange [0:*]
set autoscale x
set offsets 0.6, 0.6, 0, 0
set bars 2.0
unset key

panels = 6
set multiplot layout 2,3 title "sgnic vs baselines: ".subtitle font ",12"
do for [i = 0:panels - 1] {
	# The block's title is its first comment line.
	t = system(sprintf("awk -v want=%d 'BEGIN { b = 0 } /^$/ { e++; if (e == 2) { b++; e = 0 } next } { e = 0 } b == want && /^#/ { sub(/^# /, \"\"); print; exit }' '%s'", i, datafile))
	set title t font ",10"
	plot datafile index i using 1:2:(colour(strcol(5))):xtic(5) with boxes lc rgb variable, \
	     '' index i using 1:2:3:4 with yerrorbars lc rgb "#202020" pt 0 lw 1.2
}
unset multiplot

# Summarise numeric samples (one per line, already sorted ascending: `sort -n FILE | awk -f stats.awk`).
# Prints "n median p90 min"; p90 is the nearest-rank percentile. No samples prints "0 null null null".
{ v[NR] = $1 }
END {
        if (NR == 0) {
                print "0 null null null"
                exit
        }
        median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        rank = int(0.9 * NR)
        if (rank < 0.9 * NR)
                rank++
        printf "%d %.3f %.3f %.3f\n", NR, median, v[rank], v[1]
}

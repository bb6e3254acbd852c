# test_keyscan.sh -- the harness's secrets checks can fail: a key planted in a log as
# lower- and upper-case hex, base64, base64url or raw bytes, in a CLI's stderr copy,
# and a valgrind log reporting an error each make a driver fail; a clean run passes.
. "$MEF_SRC/tests/integration/lib.sh"

# run_planted HOW: a driver that makes a key, plants it as HOW, and calls mef_finish.
run_planted() {
	MEF_PLANT=$1 sh -c '
	. "$MEF_SRC/tests/integration/lib.sh"
	mef_setup
	k=$(hexkey 32)
	case $MEF_PLANT in
	none) echo "a clean log line" >"$T/x.log" ;;
	lower) echo "key=$k" >"$T/x.log" ;;
	upper) echo "key=$(printf %s "$k" | tr a-f A-F)" >"$T/x.log" ;;
	base64) printf "%s" "$k" | xxd -r -p | base64 >"$T/x.log" ;;
	base64url) printf "%s" "$k" | xxd -r -p | base64 -w0 | tr "+/" "-_" >"$T/x.log" ;;
	raw) { printf "head"; printf "%s" "$k" | xxd -r -p; } >"$T/x.log" ;;
	stderr) echo "$k" >"$T/.mef/err/mef-fetch.planted" ;;
	kek) cat "$T/kek" >"$T/mefd.log" ;;
	valgrind) printf "==1== ERROR SUMMARY: 1 errors from 1 contexts\n" \
	    >"$T/.mef/vg/mefd.1.log"; MEF_VALGRIND=1 ;;
	esac
	mef_finish' >"$T/planted.out" 2>&1
}

mef_setup
check "a clean driver passes" run_planted none
for how in lower upper base64 base64url raw stderr kek valgrind; do
	check_fails "a key planted as $how fails the driver" run_planted $how
done
run_planted lower
expect_match "the failure names the file" "$(grep FAIL "$T/planted.out")" 'in x\.log'
expect_empty "the failure prints no more than the key's first 4 bytes" \
    "$(grep -aoE '[0-9a-fA-F]{9,}' "$T/planted.out")"
mef_finish

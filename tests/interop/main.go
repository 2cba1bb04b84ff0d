// Command interop checks signatures against the Colonies server's own crypto code.
//
// It reads JSON records from stdin (one per line, as written by test_go_interop.py):
//
//	{"message": "...", "signature": "<130 hex>", "id": "<64 hex>", "prvkey": "<64 hex>"}
//
// and for each one asks github.com/colonyos/colonies (v1.9.12, pkg/security/crypto, the
// code the server runs on every request) to recover the signer's id from message and
// signature. RecoverID also verifies the signature and rejects high-s values, like the
// server. The recovered id must equal "id". When "prvkey" is given, the Go side also
// derives the id from the key and signs the message itself: both must be identical to
// ours (signatures are deterministic, RFC 6979).
//
// It prints "checked N signatures, M mismatches" and exits non-zero on any mismatch or
// when it read no record.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/colonyos/colonies/pkg/security/crypto"
)

type record struct {
	Message   string `json:"message"`
	Signature string `json:"signature"`
	ID        string `json:"id"`
	Prvkey    string `json:"prvkey"`
}

// maxReports limits how many mismatches are described on stderr.
const maxReports = 20

// check returns what is wrong with one record, or nil.
func check(c *crypto.StandaloneCrypto, r record) []string {
	var problems []string
	recovered, err := c.RecoverID(r.Message, r.Signature)
	if err != nil {
		problems = append(problems, fmt.Sprintf("RecoverID failed: %v", err))
	} else if recovered != strings.ToLower(r.ID) {
		problems = append(problems, fmt.Sprintf("recovered id %s, expected %s", recovered, r.ID))
	}
	if r.Prvkey == "" {
		return problems
	}
	if id, err := c.GenerateID(r.Prvkey); err != nil {
		problems = append(problems, fmt.Sprintf("GenerateID failed: %v", err))
	} else if id != strings.ToLower(r.ID) {
		problems = append(problems, fmt.Sprintf("Go id of the key %s, expected %s", id, r.ID))
	}
	if sig, err := c.GenerateSignature(r.Message, r.Prvkey); err != nil {
		problems = append(problems, fmt.Sprintf("GenerateSignature failed: %v", err))
	} else if sig != strings.ToLower(r.Signature) {
		problems = append(problems, fmt.Sprintf("Go signature %s differs from ours", sig))
	}
	return problems
}

// short quotes a message for a report, cut to a readable length.
func short(s string) string {
	if len(s) > 60 {
		return fmt.Sprintf("%q... (%d bytes)", s[:60], len(s))
	}
	return fmt.Sprintf("%q", s)
}

func main() {
	c := crypto.CreateCrypto()
	// A json.Decoder reads record after record and has no line-length limit.
	dec := json.NewDecoder(bufio.NewReader(os.Stdin))
	checked, mismatches := 0, 0
	for {
		var r record
		if err := dec.Decode(&r); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			fmt.Fprintf(os.Stderr, "bad input after %d records: %v\n", checked, err)
			os.Exit(2)
		}
		checked++
		if problems := check(c, r); len(problems) > 0 {
			mismatches++
			if mismatches <= maxReports {
				fmt.Fprintf(os.Stderr, "record %d, message %s, signature %s:\n  %s\n",
					checked, short(r.Message), r.Signature, strings.Join(problems, "\n  "))
			}
		}
	}
	fmt.Printf("checked %d signatures, %d mismatches\n", checked, mismatches)
	if checked == 0 || mismatches > 0 {
		os.Exit(1)
	}
}

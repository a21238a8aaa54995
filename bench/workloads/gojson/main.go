// Command gojson is a benchmark workload: built with GOOS=wasip1
// GOARCH=wasm, it round-trips a small document through encoding/json
// os.Args[1] times (default 200): reflection, allocation, string building
// and parsing.
//
// It prints one line, "gojson N checksum X", X being an FNV-1a hash of every
// encoding and of the decoded values, so a harness can check that the work
// was done and done right. The committed gojson.wasm is rebuilt by
// ../build.sh.
package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
)

// item and order make a document of nested structs, slices, maps, numbers
// and strings.
type item struct {
	SKU      string            `json:"sku"`
	Quantity int               `json:"quantity"`
	Price    float64           `json:"price"`
	Tags     []string          `json:"tags"`
	Attrs    map[string]string `json:"attrs"`
}

type order struct {
	ID       int64   `json:"id"`
	Customer string  `json:"customer"`
	Paid     bool    `json:"paid"`
	Items    []item  `json:"items"`
	Notes    *string `json:"notes,omitempty"`
}

func main() {
	n := 200
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "gojson: bad count:", err)
			os.Exit(2)
		}
		n = v
	}
	note := "leave at the door"
	doc := order{ID: 1, Customer: "Ada Lovelace", Notes: &note}
	for i := range 20 {
		doc.Items = append(doc.Items, item{
			SKU:      "sku-" + strconv.Itoa(i*7919),
			Quantity: i + 1,
			Price:    float64(i)*1.25 + 0.5,
			Tags:     []string{"a", "bb", "ccc"}[:i%3+1],
			Attrs:    map[string]string{"colour": "blue", "size": strconv.Itoa(i)},
		})
	}
	h := fnv.New64a()
	for i := range n {
		doc.ID = int64(i)
		doc.Paid = i%2 == 0
		data, err := json.Marshal(&doc)
		if err != nil {
			panic(err)
		}
		h.Write(data)
		var back order
		if err := json.Unmarshal(data, &back); err != nil {
			panic(err)
		}
		fmt.Fprintf(h, "%d %v %d %g", back.ID, back.Paid, len(back.Items), back.Items[i%20].Price)
	}
	fmt.Printf("gojson %d checksum %x\n", n, h.Sum64())
}

package spectest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"

	"github.com/terra-runtime/terra/wasm"
)

// script is a wast2json command file.
type script struct {
	dir      string    // the folder module file names are relative to
	Source   string    `json:"source_filename"`
	Commands []command `json:"commands"`
}

// command is one entry of a script; which fields are set depends on Type.
type command struct {
	Type       string      `json:"type"`
	Line       int         `json:"line"`
	Filename   string      `json:"filename"`
	Name       string      `json:"name"`
	As         string      `json:"as"`
	ModuleType string      `json:"module_type"`
	Text       string      `json:"text"`
	Action     *action     `json:"action"`
	Expected   []jsonValue `json:"expected"`
}

// action is an invocation of an exported function or a read of an exported
// global, of the named module or else the current one.
type action struct {
	Type   string      `json:"type"`
	Module string      `json:"module"`
	Field  string      `json:"field"`
	Args   []jsonValue `json:"args"`
}

func loadScript(path string) (*script, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &script{dir: filepath.Dir(path)}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return s, nil
}

// result counts the outcomes of a script's commands and describes each
// failure.
type result struct {
	passed, failed, skipped int
	failures                []string
}

// add adds the counts of o to r.
func (r *result) add(o result) {
	r.passed += o.passed
	r.failed += o.failed
	r.skipped += o.skipped
}

// needsExecution lists the commands outside the validate tier's scope.
var needsExecution = map[string]bool{
	"register": true, "action": true, "assert_return": true,
	"assert_trap": true, "assert_exhaustion": true,
}

// run executes the script's commands in order with tier, or checks only
// decoding and validation if tier is nil.
func (s *script) run(v Version, tier Tier) result {
	var res result
	r := &runner{
		script:     s,
		features:   v.Features(),
		tier:       tier,
		named:      map[string]Instance{},
		registered: map[string]Instance{},
	}
	if tier != nil {
		host, err := tier.InstantiateHost(Host())
		if err != nil {
			res.failed++
			res.failures = append(res.failures, fmt.Sprintf("%s: instantiate the spectest host module: %v", s.Source, err))
			return res
		}
		r.registered["spectest"] = host
		r.made = append(r.made, host)
	}
	for i := range s.Commands {
		c := &s.Commands[i]
		switch {
		case c.ModuleType == "text":
			res.skipped++
		case tier == nil && needsExecution[c.Type]:
			// Outside the validate tier's scope: not counted.
		default:
			if err := r.exec(c); err != nil {
				res.failed++
				res.failures = append(res.failures, fmt.Sprintf("%s:%d: %s: %v", s.Source, c.Line, c, err))
			} else {
				res.passed++
			}
		}
	}
	if err := r.closeAll(); err != nil {
		res.failed++
		res.failures = append(res.failures, fmt.Sprintf("%s: close the instances: %v", s.Source, err))
	}
	return res
}

// String names the command and what it acts on, for failure messages.
func (c *command) String() string {
	switch {
	case c.Action != nil:
		s := fmt.Sprintf("%s %s %q", c.Type, c.Action.Type, c.Action.Field)
		if c.Action.Module != "" {
			s += " of " + c.Action.Module
		}
		return s
	case c.Type == "register":
		return fmt.Sprintf("register %q as %q", c.Name, c.As)
	case c.Text != "":
		return fmt.Sprintf("%s %s %q", c.Type, c.Filename, c.Text)
	}
	return c.Type + " " + c.Filename
}

// runner holds the state of one script's run.
type runner struct {
	script   *script
	features wasm.Features
	tier     Tier
	// current is the instance of the last module command, nil if it failed.
	current Instance
	// named holds instances by the scripts' "$name", registered by the
	// import module name they were registered under.
	named, registered map[string]Instance
	// made holds every instance the script created, to close at its end.
	made []Instance
}

// exec runs one command and reports why it failed, or nil if it passed.
// A panic, in the decoder or a tier, fails only the command at hand, so
// that one bug does not hide the rest of the suite.
func (r *runner) exec(c *command) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return r.do(c)
}

func (r *runner) do(c *command) error {
	switch c.Type {
	case "module":
		r.current = nil
		m, err := r.parse(c.Filename)
		if err != nil || r.tier == nil {
			return err
		}
		inst, err := r.tier.Instantiate(m, r.registered)
		if err != nil {
			return fmt.Errorf("instantiate: %w", err)
		}
		r.current = inst
		r.made = append(r.made, inst)
		if c.Name != "" {
			r.named[c.Name] = inst
		}
		return nil
	case "register":
		inst, err := r.instance(c.Name)
		if err != nil {
			return err
		}
		r.registered[c.As] = inst
		return nil
	case "action", "assert_return":
		results, err := r.act(c.Action)
		if err != nil {
			return err
		}
		return checkResults(results, c.Expected)
	case "assert_trap":
		return r.wantActionError(c.Action, Trap)
	case "assert_exhaustion":
		return r.wantActionError(c.Action, Exhaustion)
	case "assert_malformed":
		_, err := r.parse(c.Filename)
		return wantParseError[*wasm.MalformedError](err)
	case "assert_invalid":
		_, err := r.parse(c.Filename)
		return wantParseError[*wasm.InvalidError](err)
	case "assert_unlinkable":
		return r.wantInstantiateError(c.Filename, LinkError)
	case "assert_uninstantiable":
		return r.wantInstantiateError(c.Filename, Trap)
	}
	return fmt.Errorf("unknown command type %q", c.Type)
}

func (r *runner) parse(filename string) (*wasm.Module, error) {
	data, err := os.ReadFile(filepath.Join(r.script.dir, filename))
	if err != nil {
		return nil, err
	}
	return wasm.Parse(data, r.features)
}

// wantParseError checks that err, from wasm.Parse, is an E.
func wantParseError[E error](err error) error {
	var target E
	switch {
	case errors.As(err, &target):
		return nil
	case err == nil:
		return fmt.Errorf("module accepted, want %T", target)
	}
	return fmt.Errorf("want %T, got %T: %w", target, err, err)
}

// wantInstantiateError checks that the module in filename is valid and, if
// there is a tier, that instantiating it fails with an error of kind want.
func (r *runner) wantInstantiateError(filename string, want ErrorKind) error {
	m, err := r.parse(filename)
	if err != nil || r.tier == nil {
		return err
	}
	inst, err := r.tier.Instantiate(m, r.registered)
	if err != nil {
		return r.wantKind(err, want)
	}
	r.made = append(r.made, inst)
	return fmt.Errorf("module instantiated, want %s", want)
}

// closeAll closes the script's instances, importers first.
func (r *runner) closeAll() error {
	var errs []error
	for _, inst := range slices.Backward(r.made) {
		errs = append(errs, inst.Close())
	}
	return errors.Join(errs...)
}

func (r *runner) wantActionError(a *action, want ErrorKind) error {
	results, err := r.act(a)
	if err == nil {
		return fmt.Errorf("returned %v, want %s", results, want)
	}
	return r.wantKind(err, want)
}

func (r *runner) wantKind(err error, want ErrorKind) error {
	if got := r.tier.Classify(err); got != want {
		return fmt.Errorf("want %s, got %s: %w", want, got, err)
	}
	return nil
}

// instance returns the instance of the module named name, or the current
// one if name is empty.
func (r *runner) instance(name string) (Instance, error) {
	if name == "" {
		if r.current == nil {
			return nil, errors.New("no current module instance")
		}
		return r.current, nil
	}
	inst, ok := r.named[name]
	if !ok {
		return nil, fmt.Errorf("no module instance named %s", name)
	}
	return inst, nil
}

// act performs a. Errors of the tier are returned as they are, so that
// Classify sees them unwrapped.
func (r *runner) act(a *action) ([]Value, error) {
	if a == nil {
		return nil, errors.New("command has no action")
	}
	inst, err := r.instance(a.Module)
	if err != nil {
		return nil, err
	}
	switch a.Type {
	case "invoke":
		args := make([]Value, len(a.Args))
		for i, j := range a.Args {
			if args[i], err = parseValue(j); err != nil {
				return nil, fmt.Errorf("argument %d: %w", i, err)
			}
		}
		return inst.Invoke(a.Field, args)
	case "get":
		v, err := inst.Global(a.Field)
		if err != nil {
			return nil, err
		}
		return []Value{v}, nil
	}
	return nil, fmt.Errorf("unknown action type %q", a.Type)
}

// checkResults matches results against the expected list of a command.
func checkResults(results []Value, exp []jsonValue) error {
	want := make([]expected, len(exp))
	ok := len(results) == len(exp)
	for i, j := range exp {
		var err error
		if want[i], err = parseExpected(j); err != nil {
			return fmt.Errorf("expected result %d: %w", i, err)
		}
		ok = ok && want[i].match(results[i])
	}
	if !ok {
		return fmt.Errorf("got %v, want %v", results, want)
	}
	return nil
}

package test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	lt "leida/test/leidatest"
)

// chromium is the headless browser of the docs test: $CHROMIUM, else
// Debian's chromium (.ci/run installs it).
func chromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The /docs page in a real browser (issue 11): it loads with no console
// error, shows every area of the document, computes rand_str as the README's
// worked example says, signs a "Try it out" call of E01 with the bootstrap
// admin and gets code 200, and logs in from the page.
func TestDocsPageInABrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("headless Chromium not found (/usr/bin/chromium; apt-get install chromium, as .ci/run does): the /docs browser test is skipped")
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// The first Run starts the browser: no deadline on it (chromedp's rule).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	var mu sync.Mutex
	var problems []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
				mu.Unlock()
			}
		}
	}()
	step, cancelStep := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStep()
	const e01 = "#operations-org-get_qiyeweixin_user"
	if err := chromedp.Do(step,
		chromedp.Navigate(srv.URL+"/docs"),
		chromedp.WaitVisible(chromedp.CSS(e01)),
	); err != nil {
		t.Fatalf("loading /docs: %v", err)
	}

	// Every area of the document is on the page.
	shown, err := chromedp.Run(step, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.opblock-tag-section .opblock-tag')).map(e => e.getAttribute('data-tag'))`))
	if err != nil {
		t.Fatal(err)
	}
	r := srv.Do(t, lt.Request{Path: "/openapi.json"})
	var doc struct {
		Tags []struct{ Name string } `json:"tags"`
	}
	if err := json.Unmarshal(r.Raw, &doc); err != nil || len(doc.Tags) < 10 {
		t.Fatalf("document tags: %v %s", err, r.Raw)
	}
	for _, tg := range doc.Tags {
		if !slices.Contains(shown, tg.Name) {
			t.Errorf("area %q not shown; the page shows %v", tg.Name, shown)
		}
	}

	// rand_str as in the README's worked example.
	sum, err := chromedp.Run(step, chromedp.Evaluate[string](`leidaMD5("1528114804033" + "0123456789abcdef0123456789abcdef")`))
	if err != nil || sum != "b9dbd0b93275112b77dccd8e8027bb09" {
		t.Fatalf("rand_str in the page: %q %v", sum, err)
	}

	// Try it out: E01 signed as the bootstrap admin.
	if err := chromedp.Do(step,
		chromedp.SendKeys(chromedp.CSS("#leida-userId"), strconv.FormatInt(srv.Admin.ID, 10)),
		chromedp.SendKeys(chromedp.CSS("#leida-token"), srv.Admin.Token),
		chromedp.Click(chromedp.CSS(e01+" .opblock-summary-control")),
		chromedp.WaitVisible(chromedp.CSS(e01+" .try-out__btn")),
		chromedp.Click(chromedp.CSS(e01+" .try-out__btn")),
		chromedp.WaitVisible(chromedp.CSS(e01+" .execute")),
		chromedp.Click(chromedp.CSS(e01+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(e01+" .live-responses-table .response-col_description pre")),
	); err != nil {
		t.Fatalf("try it out: %v", err)
	}
	body, err := chromedp.Run(step, chromedp.TextContent(chromedp.CSS(e01+" .live-responses-table .response-col_description pre")))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Data struct {
			DataCount int `json:"data_count"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &env); err != nil || env.Code != 200 || env.Msg != "查询成功" || env.Data.DataCount < 1 {
		t.Fatalf("E01 from the page: %v %s", err, body)
	}
	url, _ := chromedp.Run(step, chromedp.TextContent(chromedp.CSS(e01+" .request-url pre")))
	if url != "" && !strings.Contains(url, "rand_str=") {
		t.Errorf("the request URL shows no signature: %s", url)
	}

	// Log in from the page: the panel gets the user id and token.
	if err := chromedp.Do(step,
		chromedp.Click(chromedp.CSS("#leida-forget")),
		chromedp.SendKeys(chromedp.CSS("#leida-username"), "root"),
		chromedp.SendKeys(chromedp.CSS("#leida-password"), "root-password"),
		chromedp.Click(chromedp.CSS("#leida-login button")),
	); err != nil {
		t.Fatalf("logging in from the page: %v", err)
	}
	if _, err := chromedp.Run(step, chromedp.Poll[bool](`document.getElementById('leida-login-result').textContent === 'logged in'`)); err != nil {
		res, _ := chromedp.Run(step, chromedp.TextContent(chromedp.CSS("#leida-login-result")))
		t.Fatalf("logging in from the page: %v (%s)", err, res)
	}
	got, err := chromedp.Run(step, chromedp.Value(chromedp.CSS("#leida-userId")))
	if err != nil || got != strconv.FormatInt(srv.Admin.ID, 10) {
		t.Fatalf("user id after the login: %q %v", got, err)
	}

	time.Sleep(100 * time.Millisecond) // late console messages
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("console: %s", p)
	}
}

package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestSaveWritesUnderRootCreatingDirectories(t *testing.T) {
	root := filepath.Join(t.TempDir(), "media")
	s := Local{Root: root}
	ctx := context.Background()
	rel := "zhugeleida/imgs/xiaochengxu/qr_code/7_qrcode.jpg"

	if err := s.Save(ctx, rel, []byte("first version, longer")); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, rel, []byte("second")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil || string(got) != "second" {
		t.Fatalf("content = %q, %v; want %q", got, err, "second")
	}
	entries, err := os.ReadDir(filepath.Join(root, "zhugeleida/imgs/xiaochengxu/qr_code"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %v (%v), want only the file: temp files left behind?", entries, err)
	}
	if err := s.Save(ctx, "./a/../top.txt", []byte("x")); err != nil {
		t.Fatalf("harmless path refused: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "top.txt")); err != nil {
		t.Fatal(err)
	}
}

func TestPathsOutsideRootRefused(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "media")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	// A symlink inside the root leading out of it.
	if err := os.Symlink(base, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	s := Local{Root: root}
	ctx := context.Background()
	for _, rel := range []string{
		"", ".", "..", "../evil.txt", "a/../../evil.txt", "/etc/evil.txt",
		filepath.Join(base, "evil.txt"), "escape/evil.txt",
	} {
		if err := s.Save(ctx, rel, []byte("x")); err == nil {
			t.Errorf("Save(%q) accepted", rel)
		}
		if err := s.Delete(ctx, rel); err == nil && rel != "escape/evil.txt" {
			t.Errorf("Delete(%q) accepted", rel)
		}
	}
	if _, err := os.Stat(filepath.Join(base, "evil.txt")); !os.IsNotExist(err) {
		t.Fatalf("a file was written outside the root (%v)", err)
	}
}

func TestDeleteOutsideRootThroughSymlinkRefused(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "media")
	outside := filepath.Join(base, "keep.txt")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(base, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	_ = Local{Root: root}.Delete(context.Background(), "escape/keep.txt")
	if _, err := os.Stat(outside); err != nil {
		t.Fatalf("file outside the root deleted: %v", err)
	}
}

func TestDelete(t *testing.T) {
	root := t.TempDir()
	s := Local{Root: root}
	ctx := context.Background()
	if err := s.Save(ctx, "a/b.png", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a/b.png"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "a", "b.png")); !os.IsNotExist(err) {
		t.Fatalf("file still there (%v)", err)
	}
	if err := s.Delete(ctx, "a/b.png"); err != nil {
		t.Errorf("deleting a missing file: %v", err)
	}
	if err := s.Delete(ctx, "no/such/dir/f.png"); err != nil {
		t.Errorf("deleting under a missing directory: %v", err)
	}
	if err := (Local{Root: filepath.Join(root, "absent")}).Delete(ctx, "f.png"); err != nil {
		t.Errorf("deleting under a missing root: %v", err)
	}
}

func TestNoRootAndCancelledContext(t *testing.T) {
	if err := (Local{}).Save(context.Background(), "f", []byte("x")); err == nil {
		t.Error("Save without root accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Local{Root: t.TempDir()}).Save(ctx, "f", []byte("x")); err == nil {
		t.Error("Save with a cancelled context accepted")
	}
}

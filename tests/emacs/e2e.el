;;; e2e.el --- ddia end to end in a real Emacs through Eglot  -*- lexical-binding: t; -*-

;; Run (from the repository root):
;;   DDIA_BIN=target/debug/ddia emacs --batch -l tests/emacs/e2e.el
;; Needs Emacs with Eglot and yaml-mode (Debian: emacs-nox elpa-eglot elpa-yaml-mode).
;; A Compose file is opened in yaml-mode with Eglot running `ddia lsp`: its
;; diagnostics arrive through Flymake with codes and exact positions, a hover explains
;; the image, and the quick fix that mounts a volume is applied to the buffer.  Every
;; wait is bounded; a failure prints a readable message and exits with status 1.

;;; Code:

(require 'package)
(package-initialize)
(require 'cl-lib)
(require 'eglot)
(require 'yaml-mode)

(defvar ddia-e2e-failures 0)
(defvar ddia-e2e-passes 0)

(defun ddia-e2e-check (condition message)
  "Count CONDITION as a pass or a failure, printing MESSAGE."
  (if condition
      (progn (setq ddia-e2e-passes (1+ ddia-e2e-passes))
             (princ (format "ok: %s\n" message)))
    (setq ddia-e2e-failures (1+ ddia-e2e-failures))
    (message "FAIL: %s" message)))

(defun ddia-e2e-wait (what predicate &optional seconds)
  "Wait up to SECONDS (15) for PREDICATE, processing server output; check WHAT."
  (let ((deadline (+ (float-time) (or seconds 15)))
        (result nil))
    (while (and (not (setq result (funcall predicate)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05)
      ;; Batch Emacs runs no idle timers, so Flymake is asked to collect by hand.
      (when (bound-and-true-p flymake-mode)
        (flymake-start)))
    (ddia-e2e-check result what)
    result))

(defun ddia-e2e-finish ()
  "Stop every server and exit with the test's status."
  (ignore-errors (eglot-shutdown-all))
  (princ (format "%d passed, %d failed\n" ddia-e2e-passes ddia-e2e-failures))
  (kill-emacs (if (zerop ddia-e2e-failures) 0 1)))

(let* ((repo (expand-file-name "../.." (file-name-directory load-file-name)))
       (bin (expand-file-name (or (getenv "DDIA_BIN") "target/debug/ddia") repo))
       (workdir (make-temp-file "ddia-emacs-" t))
       (compose (expand-file-name "compose.yaml" workdir)))
  (unless (file-executable-p bin)
    (message "e2e: no ddia binary at %s (build it with cargo build)" bin)
    (kill-emacs 1))
  ;; Emacs 28 has no YAML mode of its own: yaml-mode, with ddia as its server.
  (add-to-list 'eglot-server-programs `(yaml-mode . (,bin "lsp")))
  (setq eglot-sync-connect 10
        eglot-autoshutdown t
        eglot-confirm-server-initiated-edits nil)
  (with-temp-file compose
    (insert "services:\n"
            "  db:\n"
            "    image: postgres:16.4\n"
            "    healthcheck:\n"
            "      test: [\"CMD\", \"pg_isready\"]\n"))
  (condition-case failure
      (with-current-buffer (find-file-noselect compose)
        (yaml-mode)
        (apply #'eglot (eglot--guess-contact))
        (ddia-e2e-check (eglot-current-server) "Eglot started `ddia lsp`")

        ;; 1. The finding, through Flymake, at the service key (line 2, columns 2-4).
        (let ((diagnostic
               (ddia-e2e-wait
                "the ephemeral-storage warning is published"
                (lambda ()
                  (cl-find-if (lambda (d)
                                (string-match-p "ephemeral-datastore-storage"
                                                (flymake-diagnostic-text d)))
                              (flymake-diagnostics))))))
          (when diagnostic
            (ddia-e2e-check (eq (flymake-diagnostic-type diagnostic) 'eglot-warning)
                            (format "it is a warning (%s)" (flymake-diagnostic-type diagnostic)))
            (ddia-e2e-check
             (equal (list (line-number-at-pos (flymake-diagnostic-beg diagnostic))
                          (save-excursion (goto-char (flymake-diagnostic-beg diagnostic))
                                          (current-column))
                          (- (flymake-diagnostic-end diagnostic)
                             (flymake-diagnostic-beg diagnostic)))
                    '(2 2 2))
             "it covers `db` on line 2")
            (ddia-e2e-check
             (string-match-p "PostgreSQL with no volume on `/var/lib/postgresql/data`"
                             (flymake-diagnostic-text diagnostic))
             (format "its message: %s" (flymake-diagnostic-text diagnostic)))))

        ;; 2. A hover on the image says what ddia took it for.
        (goto-char (point-min))
        (search-forward "postgres:16.4")
        (backward-char 4)
        (let* ((hover (jsonrpc-request (eglot--current-server-or-lose)
                                       :textDocument/hover
                                       (eglot--TextDocumentPositionParams)))
               (contents (plist-get hover :contents))
               (text (if (stringp contents) contents (or (plist-get contents :value) ""))))
          (ddia-e2e-check (string-match-p "PostgreSQL" text)
                          (format "the image's hover names PostgreSQL: %s"
                                  (car (split-string text "\n")))))

        ;; 3. The quick fix mounts a named volume on the data directory.
        (goto-char (point-min))
        (search-forward "db:")
        (let* ((actions (eglot-code-actions (line-beginning-position) (line-end-position)))
               (mount (cl-find-if (lambda (action)
                                    (string-match-p "Mount a named volume"
                                                    (plist-get action :title)))
                                  actions)))
          (ddia-e2e-check mount (format "a quick fix mounts a volume (actions: %s)"
                                        (mapcar (lambda (a) (plist-get a :title)) actions)))
          (when mount
            (eglot--apply-workspace-edit (plist-get mount :edit))
            (ddia-e2e-check
             (string-match-p "volumes:\n *- db-data:/var/lib/postgresql/data" (buffer-string))
             "the fix adds the volume to the service")
            (ddia-e2e-check
             (string-match-p "^volumes:\n  db-data:" (buffer-string))
             "the fix declares the named volume")
            ;; The server sees the edit (sent at once: batch Emacs has no idle
            ;; time), and the warning goes away.
            (eglot--signal-textDocument/didChange)
            (ddia-e2e-wait
             "the warning is gone after the fix"
             (lambda ()
               (not (cl-find-if (lambda (d)
                                  (string-match-p "ephemeral-datastore-storage"
                                                  (flymake-diagnostic-text d)))
                                (flymake-diagnostics))))))))
    (error (ddia-e2e-check nil (format "unexpected error: %S" failure))))
  (delete-directory workdir t)
  (ddia-e2e-finish))

;;; e2e.el ends here

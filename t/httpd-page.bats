#!/usr/bin/env bats
# httpd: the webmail page in a real browser (headless Chromium driven by
# Selenium): the login form, a failed login, the logged-in page, logout;
# the list, an HTML mail, search; read/unread, reply, move, delete;
# compose with an upload, reply all, forward with attachments, remote
# images when asked, the keyboard, a phone-width screen.
# Screenshots go to $SCREENSHOTS (default: the test's directory).

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
		skip "chromium and chromium-driver are not installed"
	instance_setup
	httpd_setup
	httpd_start
	export URL SHOTS="${SCREENSHOTS:-$BATS_TEST_TMPDIR}"
	mkdir -p "$SHOTS"
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

# browser: run Python (Debian's, which has python3-selenium) with a
# headless Chromium in d, the page at URL; the script comes on stdin.
browser() {
	local body
	body=$(sed 's/^/    /')
	timeout 120 /usr/bin/python3 - <<PY
import os, time
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.support import expected_conditions as EC
URL, SHOTS = os.environ["URL"], os.environ["SHOTS"]
o = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,800",
          "--disable-dev-shm-usage"):
    o.add_argument(a)
o.binary_location = "/usr/bin/chromium"
from selenium.webdriver.chrome.service import Service
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
wait = WebDriverWait(d, 20)
def shown(id):
    return wait.until(EC.visibility_of_element_located((By.ID, id)))
def login(user, password):
    d.get(URL + "/")
    shown("username").send_keys(user)
    d.find_element(By.ID, "password").send_keys(password)
    d.find_element(By.ID, "login-button").click()
try:
$body
finally:
    logs = d.get_log("browser")
    d.quit()
for l in logs:
    print(l["message"])
PY
}

@test "page: log in through the form, see the page, log out" {
	browser <<'EOF'
login("joe@example.test", "wrong")
shown("login-failed")
d.save_screenshot(SHOTS + "/login-failed.png")
login("joe@example.test", "secret")
who = shown("whoami")
assert who.text == "joe@example.test", who.text
d.save_screenshot(SHOTS + "/logged-in.png")
cookies = {c["name"]: c for c in d.get_cookies()}
assert cookies["postern_session"]["httpOnly"] is True
assert cookies["postern_session"]["sameSite"] == "Strict"
assert d.execute_script("return document.cookie") == ""   # HttpOnly
d.find_element(By.ID, "logout").click()
shown("username")
EOF
}

@test "page: mail: the list, an HTML mail whose script does not run, search" {
	MB="$MAILROOT/example.test/joe"
	mkdir -p "$MB"/{cur,new,tmp} "$MB"/.Trash/{cur,new,tmp} "$MB"/.Sent/{cur,new,tmp} "$MB"/.Drafts/{cur,new,tmp}
	printf 'From: Ann <ann@example.org>\nTo: joe@example.test\nSubject: plain hello\n\nhello there\n' > "$MB/new/1700000000.M1P1.host"
	printf 'From: Eve <eve@example.org>\nTo: joe@example.test\nSubject: html offer\nContent-Type: text/html\n\n<p id="x">Big <b>offer</b></p><img src="http://127.0.0.1:9/track.png"><script>parent.document.title="pwned";document.getElementById("x").textContent="ran"</script>\n' > "$MB/new/1700000100.M2P1.host"
	browser <<'EOF'
login("joe@example.test", "secret")
wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li")) == 2)
d.save_screenshot(SHOTS + "/list.png")
items = d.find_elements(By.CSS_SELECTOR, "#messages li")
assert "html offer" in items[0].text, items[0].text
items[0].click()
frame = shown("html-body")
time.sleep(1)
assert d.title == "postern mail", d.title
assert frame.get_attribute("sandbox") == ""
d.switch_to.frame(frame)
assert d.find_element(By.ID, "x").text == "Big offer"
assert not d.find_elements(By.CSS_SELECTOR, "img[src]")
d.switch_to.default_content()
shown("images-note")
d.save_screenshot(SHOTS + "/html-mail.png")
d.find_element(By.ID, "search").send_keys("hello\n")
wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li")) == 1)
assert "plain hello" in d.find_element(By.CSS_SELECTOR, "#messages li").text
EOF
}

@test "page: read and mark unread, reply (sent, queued, answered), move, delete to Trash" {
	MB="$MAILROOT/example.test/joe"
	mkdir -p "$MB"/{cur,new,tmp} "$MB"/.Trash/{cur,new,tmp} "$MB"/.Sent/{cur,new,tmp} "$MB"/.Drafts/{cur,new,tmp}
	touch "$MB"/.Trash/maildirfolder "$MB"/.Sent/maildirfolder "$MB"/.Drafts/maildirfolder
	printf 'Sent\nTrash\nDrafts\n' > "$MB/subscriptions"
	printf 'From: Ann <ann@example.org>\nTo: joe@example.test\nSubject: lunch\nMessage-ID: <a1@example.org>\n\nnoon?\n' > "$MB/new/1700000000.M1P1.host"
	printf 'From: Bob <bob@example.org>\nTo: joe@example.test\nSubject: report\n\nattached soon\n' > "$MB/new/1700000100.M2P1.host"
	control me mx.example.test
	export MB SPOOL
	browser <<'EOF'
import glob
def files(folder):
    return sorted(glob.glob(os.environ["MB"] + folder + "/cur/*") + glob.glob(os.environ["MB"] + folder + "/new/*"))
def item(subject):
    return [li for li in d.find_elements(By.CSS_SELECTOR, "#messages li") if subject in li.text][0]
def retried(f):      # the list is redrawn under us: try again
    def attempt(d):
        try:
            return f()
        except Exception:
            return False
    return wait.until(attempt)
def cls(subject):
    return item(subject).get_attribute("class")
def opened(subject):
    retried(lambda: item(subject).click() or True)
    wait.until(lambda d: shown("subject").text == subject)
login("joe@example.test", "secret")
wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li.unread")) == 2)
# reading marks it read; "Mark unread" undoes it, on disk too
opened("lunch")
retried(lambda: "unread" not in cls("lunch"))
wait.until(lambda d: [f for f in files("") if "M1P1" in f and f.endswith(",S")])
d.find_element(By.ID, "unread").click()
retried(lambda: "unread" in cls("lunch"))
wait.until(lambda d: [f for f in files("") if "M1P1" in f and ":2," in f and not f.endswith("S")])
d.save_screenshot(SHOTS + "/marked-unread.png")
# reply: into Sent, queued for ann, the original marked answered
opened("lunch")
d.find_element(By.ID, "reply").click()
shown("composer")
assert d.find_element(By.ID, "c-subject").get_attribute("value") == "Re: lunch"
assert "ann@example.org" in d.find_element(By.ID, "c-to").get_attribute("value")
d.find_element(By.ID, "c-body").send_keys("Yes, noon.")
d.save_screenshot(SHOTS + "/reply.png")
d.find_element(By.ID, "send").click()
wait.until(lambda d: len(files("/.Sent")) == 1)
sent = open(files("/.Sent")[0]).read()
assert "In-Reply-To: <a1@example.org>" in sent, sent
assert "\n\nYes, noon.\n\nOn " in sent and sent.rstrip().endswith("> noon?"), sent  # above the quote
wait.until(lambda d: [f for f in files("") if "M1P1" in f and ":2,R" in f])
assert len(glob.glob(os.environ["SPOOL"] + "/queue/*/*") + glob.glob(os.environ["SPOOL"] + "/queue/*")) >= 1
assert not files("/.Drafts")
# move "report" to Trash with the menu; delete "lunch": into Trash too
opened("report")
retried(lambda: [o for o in d.find_elements(By.CSS_SELECTOR, "#move option")
                 if o.text == "Trash"][0].click() or True)     # redrawn by push
wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li")) == 1)
assert [f for f in files("/.Trash") if "M2P1" in f] and not [f for f in files("") if "M2P1" in f]
opened("lunch")
d.find_element(By.ID, "delete").click()
wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li")) == 0)
assert len(files("/.Trash")) == 2 and not files(""), (files(""), files("/.Trash"))
retried(lambda: [b for b in d.find_elements(By.CSS_SELECTOR, "#folders button")
                 if b.get_attribute("data-role") == "trash"][0].click() or True)
wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li")) == 2)
d.save_screenshot(SHOTS + "/trash.png")
EOF
}

@test "page: compose with an uploaded file, reply all, forward with the attachment, images when asked, keyboard, phone width" {
	MB="$MAILROOT/example.test/joe"
	mkdir -p "$MB"/{cur,new,tmp} "$MB"/.Trash/{cur,new,tmp} "$MB"/.Sent/{cur,new,tmp} "$MB"/.Drafts/{cur,new,tmp}
	touch "$MB"/.Trash/maildirfolder "$MB"/.Sent/maildirfolder "$MB"/.Drafts/maildirfolder
	printf 'Sent\nTrash\nDrafts\n' > "$MB/subscriptions"
	printf 'From: Ann <ann@example.org>\nTo: joe@example.test, Dee <dee@example.org>\nCc: carl@example.org\nSubject: plan\nMessage-ID: <p1@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee the notes\n--b\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n\nnote one\n--b--\n' > "$MB/new/1700000000.M1P1.host"
	printf 'From: Eve <eve@example.org>\nTo: joe@example.test\nSubject: pictures\nContent-Type: text/html\n\n<p>look</p><img id="pic" src="http://127.0.0.1:9/pic.png">\n' > "$MB/new/1700000100.M2P1.host"
	printf 'attached from disk\n' > "$BATS_TEST_TMPDIR/upload.txt"
	control me mx.example.test
	export MB SPOOL UPLOAD="$BATS_TEST_TMPDIR/upload.txt"
	browser <<'EOF'
import glob
from selenium.webdriver.common.keys import Keys
def files(folder):
    return sorted(glob.glob(os.environ["MB"] + folder + "/cur/*") + glob.glob(os.environ["MB"] + folder + "/new/*"))
def items():
    return d.find_elements(By.CSS_SELECTOR, "#messages li")
def retried(f):
    def attempt(d):
        try:
            return f()
        except Exception:
            return False
    return wait.until(attempt)
def opened(subject):
    retried(lambda: [li for li in items() if subject in li.text][0].click() or True)
    wait.until(lambda d: shown("subject").text == subject)
def key(k):
    d.switch_to.active_element.send_keys(k)
login("joe@example.test", "secret")
wait.until(lambda d: len(items()) == 2)
# keyboard: j/k move through the list, Enter opens, Escape closes, / searches
retried(lambda: d.execute_script("document.getElementById('messages').firstChild.focus(); return true"))
key("j")
assert "plan" in d.switch_to.active_element.text
key("k")
assert "pictures" in d.switch_to.active_element.text
key(Keys.ENTER)
wait.until(lambda d: shown("subject").text == "pictures")
# remote images: blocked, then shown when asked
frame = shown("html-body")
d.switch_to.frame(frame)
assert not d.find_elements(By.CSS_SELECTOR, "img[src]")
d.switch_to.default_content()
shown("show-images").click()
wait.until(lambda d: d.find_element(By.ID, "images-note").get_attribute("hidden") is not None)
d.switch_to.frame(d.find_element(By.ID, "html-body"))
assert d.find_element(By.ID, "pic").get_attribute("src") == "http://127.0.0.1:9/pic.png"
d.switch_to.default_content()
d.save_screenshot(SHOTS + "/images-shown.png")
d.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
wait.until(lambda d: not d.find_element(By.ID, "reader").is_displayed())
d.find_element(By.TAG_NAME, "body").send_keys("/")
assert d.switch_to.active_element.get_attribute("id") == "search"
# reply all: the sender to, the others cc, not me
opened("plan")
d.find_element(By.ID, "reply-all").click()
shown("composer")
to, cc = (d.find_element(By.ID, i).get_attribute("value") for i in ("c-to", "c-cc"))
assert "ann@example.org" in to and "carl@example.org" in cc and "dee@example.org" in cc, (to, cc)
assert "joe@example.test" not in to + cc, (to, cc)
d.save_screenshot(SHOTS + "/reply-all.png")
d.find_element(By.ID, "cancel").click()
# forward: the attachment goes along
d.find_element(By.ID, "forward").click()
shown("composer")
assert d.find_element(By.ID, "c-subject").get_attribute("value") == "Fwd: plan"
assert "notes.txt" in d.find_element(By.ID, "c-attached").text
d.find_element(By.ID, "c-to").send_keys("fred@example.org")
d.find_element(By.ID, "send").click()
wait.until(lambda d: len(files("/.Sent")) == 1)
fwd = open(files("/.Sent")[0]).read()
assert "Subject: Fwd: plan" in fwd and "notes.txt" in fwd and "fred@example.org" in fwd, fwd
# compose with a file uploaded as a blob
retried(lambda: d.find_element(By.ID, "compose").click() or True)
shown("composer")
d.find_element(By.ID, "c-to").send_keys("ann@example.org")
d.find_element(By.ID, "c-subject").send_keys("with a file")
d.find_element(By.ID, "c-body").send_keys("here it is")
d.find_element(By.ID, "c-files").send_keys(os.environ["UPLOAD"])
wait.until(lambda d: "upload.txt" in d.find_element(By.ID, "c-attached").text)
d.save_screenshot(SHOTS + "/compose-attached.png")
d.find_element(By.ID, "send").click()
wait.until(lambda d: len(files("/.Sent")) == 2)
sent = [open(f).read() for f in files("/.Sent")]
mine = [m for m in sent if "Subject: with a file" in m][0]
assert "upload.txt" in mine and ("attached from disk" in mine or "YXR0YWNoZWQgZnJvbSBkaXNr" in mine), mine
assert len(glob.glob(os.environ["SPOOL"] + "/queue/*")) >= 2
# phone width: one column, folders behind the menu, nothing wider than the screen
d.set_window_size(390, 844)
d.get(URL + "/")
wait.until(lambda d: len(items()) == 2)
assert not d.find_element(By.ID, "folders").is_displayed()
assert d.find_element(By.ID, "menu").is_displayed()
assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
assert d.find_element(By.ID, "search").size["width"] > 300     # usable
d.save_screenshot(SHOTS + "/phone-list.png")
d.find_element(By.ID, "menu").click()
wait.until(lambda d: d.find_element(By.ID, "folders").is_displayed())
d.find_element(By.ID, "menu").click()
opened("plan")
assert not d.find_element(By.ID, "list").is_displayed()
assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
d.save_screenshot(SHOTS + "/phone-reading.png")
EOF
}

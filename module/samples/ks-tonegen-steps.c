// SPDX-License-Identifier: GPL-2.0
/*
 * ks-tonegen: the record of the state steps its provider is called with,
 * for tests, in /sys/kernel/debug/ks_tonegen/steps.
 *
 * Each call of set_state on any pin of the filter is one line, oldest
 * first:
 *
 *	<instance> <pin id> <from>-><to> <result>
 *
 *	3 0 STOP->ACQUIRE 0
 *	3 0 ACQUIRE->PAUSE -5
 *
 * The instance numbers the pins the provider opened since the module was
 * loaded, from 1; the result is what set_state returned: 0, or the
 * negative errno of a step it refused.  The record keeps the last
 * TONEGEN_STEPS steps; when older ones were overwritten before anyone read
 * them, a first line "lost N" says how many.
 *
 * Opening the file for reading takes what was recorded and empties the
 * record in one go, so each step is read once: a test opens it to start
 * afresh and again to see the steps since.  Writing to it empties it.
 *
 * Lock order: steps_lock is innermost.  set_state takes it under the
 * core's locks (the filter's gate and the pin's lock); the file alone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/ksfilter.h>

#include "ks-tonegen.h"
#include "ks-tonegen-steps.h"

/* The longest line: "4294967295 255 ACQUIRE->ACQUIRE -2147483648\n". */
#define STEP_LINE_MAX	48

struct tonegen_step {
	u32 instance;
	u8 pin_id;
	u8 from;
	u8 to;
	int result;
};

static const char *const state_names[] = {
	[KSSTATE_STOP] = "STOP",
	[KSSTATE_ACQUIRE] = "ACQUIRE",
	[KSSTATE_PAUSE] = "PAUSE",
	[KSSTATE_RUN] = "RUN",
};

static DEFINE_MUTEX(steps_lock);
/* A ring of @steps_count steps from @steps_first; all under steps_lock. */
static struct tonegen_step steps[TONEGEN_STEPS];
static unsigned int steps_first;
static unsigned int steps_count;
static unsigned long steps_lost;

static struct dentry *steps_dir;

/* What a reader took: the text of the steps, freed at release. */
struct steps_text {
	size_t len;
	char buf[];
};

void tonegen_step_record(u32 instance, unsigned int pin_id,
			 unsigned int from, unsigned int to, int result)
{
	struct tonegen_step *s;

	mutex_lock(&steps_lock);
	if (steps_count == TONEGEN_STEPS) {
		steps_first = (steps_first + 1) % TONEGEN_STEPS;
		steps_count--;
		steps_lost++;
	}
	s = &steps[(steps_first + steps_count) % TONEGEN_STEPS];
	steps_count++;
	s->instance = instance;
	s->pin_id = pin_id;
	s->from = from;
	s->to = to;
	s->result = result;
	mutex_unlock(&steps_lock);
}

static void steps_clear(void)
{
	lockdep_assert_held(&steps_lock);
	steps_first = 0;
	steps_count = 0;
	steps_lost = 0;
}

static const char *state_name(unsigned int state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "?";
}

/* The record as text into @t (of @size bytes), emptying it. */
static void steps_take(struct steps_text *t, size_t size)
{
	const struct tonegen_step *s;
	unsigned int i;

	mutex_lock(&steps_lock);
	t->len = 0;
	if (steps_lost)
		t->len = scnprintf(t->buf, size, "lost %lu\n", steps_lost);
	for (i = 0; i < steps_count; i++) {
		s = &steps[(steps_first + i) % TONEGEN_STEPS];
		t->len += scnprintf(t->buf + t->len, size - t->len,
				    "%u %u %s->%s %d\n", s->instance,
				    s->pin_id, state_name(s->from),
				    state_name(s->to), s->result);
	}
	steps_clear();
	mutex_unlock(&steps_lock);
}

static int steps_open(struct inode *inode, struct file *file)
{
	size_t size = (TONEGEN_STEPS + 1) * STEP_LINE_MAX;
	struct steps_text *t;

	file->private_data = NULL;
	if (!(file->f_mode & FMODE_READ))
		return 0;
	t = kmalloc(struct_size(t, buf, size), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	steps_take(t, size);
	file->private_data = t;
	return 0;
}

static ssize_t steps_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	const struct steps_text *t = file->private_data;

	return simple_read_from_buffer(buf, count, ppos, t->buf, t->len);
}

static ssize_t steps_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	mutex_lock(&steps_lock);
	steps_clear();
	mutex_unlock(&steps_lock);
	return count;
}

static int steps_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations steps_fops = {
	.owner = THIS_MODULE,
	.open = steps_open,
	.read = steps_read,
	.write = steps_write,
	.release = steps_release,
	.llseek = default_llseek,
};

/*
 * debugfs is a debugging aid: the module works without it, and
 * debugfs_create_file() and debugfs_remove() take the ERR_PTR that a
 * failed debugfs_create_dir() leaves.
 */
void tonegen_steps_init(void)
{
	steps_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("steps", 0600, steps_dir, NULL, &steps_fops);
}

void tonegen_steps_exit(void)
{
	debugfs_remove(steps_dir);
	steps_dir = NULL;
}

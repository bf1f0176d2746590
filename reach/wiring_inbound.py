"""What the inbound part of reach puts on the core's pages, the gate, the worklist and run_reminders (imported by
``ReachConfig.ready``)."""

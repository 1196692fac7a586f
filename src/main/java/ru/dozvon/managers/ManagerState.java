package ru.dozvon.managers;

/** Whether a manager takes new leads: only ON_SHIFT managers do. New managers start OFF. */
public enum ManagerState { ON_SHIFT, PAUSED, OFF }
